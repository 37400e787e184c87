"""The Packages tab: browse, create, edit and archive package templates; and its reports."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from .. import msgbox
from ..formats import Formats
from ..models.catalog import PackageTemplatesModel
from ..reports import ReportsView
from ..tables import make_proxy, make_table, reload, selected_row
from .template_dialog import PackageTemplateDialog


class PackagesTab(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.model = PackageTemplatesModel(Formats(clinic), self)
        self.proxy = make_proxy(self.model, self)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search package templates…"))
        self.search.setAccessibleName(_("Search package templates"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.show_archived = QCheckBox(_("Sho&w archived"))
        self.show_archived.toggled.connect(lambda _checked: self.refresh())
        self.new_button = QPushButton(_("&New Template…"))
        self.new_button.clicked.connect(self.new_template)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_template)
        self.archive_button = QPushButton(_("&Archive"))
        self.archive_button.clicked.connect(self.toggle_archived)

        self.table = make_table(self.proxy, self, stretch=PackageTemplatesModel.ELIGIBLE)
        self.table.setAccessibleName(_("Package templates"))
        self.table.setTabKeyNavigation(False)  # arrows move in the table; Tab leaves it
        self.table.doubleClicked.connect(self.edit_template)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_archived)
        bar.addStretch(1)
        for button in (self.new_button, self.edit_button, self.archive_button):
            bar.addWidget(button)
        templates = QWidget()
        layout = QVBoxLayout(templates)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.reports = ReportsView(clinic)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        # lighter than the main tabs above them: a switch inside Packages, not a fourth tab
        self.views.setStyleSheet("QTabBar::tab { padding: 4px 16px; font-weight: normal; }"
                                 " QTabBar::tab:selected { font-weight: 600; }")
        self.views.addTab(templates, _("&Templates"))
        from .plans_view import MembershipPlansView  # R43: plans beside the templates
        self.plans = MembershipPlansView(clinic)
        self.views.addTab(self.plans, _("Mem&bership Plans"))
        self.views.addTab(self.reports, _("&Reports"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.views)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        rows = self.clinic.catalog.package_templates(
            include_archived=self.show_archived.isChecked())
        reload(self.table, self.model, rows, select)
        self._update_buttons()
        self.plans.refresh()
        self.reports.refresh()

    def selected(self):
        return selected_row(self.table)

    def new_template(self) -> None:
        saved = PackageTemplateDialog.ask(self, self.clinic)
        if saved is not None:
            self.refresh(select=saved)

    def edit_template(self) -> None:
        template = self.selected()
        if template is None:
            return
        if PackageTemplateDialog.ask(self, self.clinic, template) is not None:
            self.refresh()

    def toggle_archived(self) -> None:
        template = self.selected()
        if template is None:
            return
        try:
            self.clinic.catalog.archive_package_template(template.id, not template.archived)
        except ClinicError as error:
            msgbox.refusal(self, error)
        self.refresh()

    def _update_buttons(self) -> None:
        template = self.selected()
        self.edit_button.setEnabled(template is not None)
        self.archive_button.setEnabled(template is not None)
        self.archive_button.setText(_("Un&archive") if template and template.archived
                                    else _("&Archive"))
