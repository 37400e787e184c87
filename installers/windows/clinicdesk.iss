; ClinicDesk's Windows installer (issue 8), for Inno Setup 6.3 or newer.
;
; This file is UTF-8 with a byte-order mark (Inno Setup reads it as Unicode); keep it so.
;
; Build the one-folder program first (README, "Installers"), then, from the repository root:
;
;     "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" installers\windows\clinicdesk.iss
;     (or ISCC /DAppVersion=0.2.0 ... to stamp another version)
;
; which writes dist\ClinicDesk-<version>-setup.exe. The installer:
;   - copies dist\ClinicDesk\ (ClinicDesk.exe, clinicdesk-cli.exe, _internal\) to
;     {autopf}\ClinicDesk: Program Files when installed for all users (the default, as an
;     administrator), or the user's own Programs folder when "for me only" is chosen;
;   - adds a Start-menu shortcut, and a desktop shortcut if the box is ticked;
;   - speaks English or French (chosen from Windows' language, or in the first dialog);
;   - leaves the clinic's data alone, on install and on uninstall: it is not in the program's
;     folder but in each Windows user's %LOCALAPPDATA%\ClinicDesk\ClinicDesk\ (clinic.db,
;     backups\), and the uninstaller says so.

; The version: keep in step with pyproject.toml.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ClinicDesk"
#define AppExe "ClinicDesk.exe"
#define Bundle "..\..\dist\ClinicDesk"

[Setup]
; AppId identifies ClinicDesk to Windows across versions: never change it. ("{{" is a
; literal "{".)
AppId={{DD3D239E-8829-4D0C-80AA-CDF2180126AC}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ClinicDesk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Administrators install for everyone; the first page also offers "for me only".
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
; PyInstaller builds with 64-bit Python and Qt 6, which needs Windows 10 or newer.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\..\resources\icons\clinicdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; A desk still open on this computer is closed through Windows' Restart Manager (Setup
; asks first) rather than left holding files being replaced; it is not restarted by Setup.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[CustomMessages]
en.AppComment=Appointments, invoices, payments and prepaid packages at the front desk
fr.AppComment=Rendez-vous, factures, paiements et forfaits prépayés à l'accueil
en.DataKept=ClinicDesk was removed. The clinic's data was kept:%n%n%1%n%nIt holds the clinic file (clinic.db) and its backups. Other Windows users who used ClinicDesk have the same folder in their own profile. Delete it only when the clinic's records are no longer needed.
fr.DataKept=ClinicDesk a été désinstallé. Les données de la clinique ont été conservées :%n%n%1%n%nCe dossier contient le fichier de la clinique (clinic.db) et ses sauvegardes. Les autres utilisateurs Windows de ClinicDesk ont le même dossier dans leur propre profil. Ne le supprimez que lorsque les dossiers de la clinique ne sont plus nécessaires.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the previous version's program files entirely (a module left over from
; an older PyInstaller build could be loaded by mistake). Only the program's own folder:
; the clinic's data is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes exactly what it installed, and the clinic's
; data (%LOCALAPPDATA%\ClinicDesk\ClinicDesk, from platformdirs) was never among it.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'),
                      [ExpandConstant('{localappdata}\ClinicDesk\ClinicDesk')]),
           mbInformation, MB_OK);
end;
