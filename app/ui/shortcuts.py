"""The desk's keyboard shortcuts, in one place so no two parts of the window claim a key.

Scope matters: a shortcut on a tab fires only while that tab is shown; the main window's
own shortcuts (menus) fire from anywhere. Help › Keyboard Shortcuts lists them all.
"""

from __future__ import annotations

# Anywhere in the main window (menu actions).
SEARCH_PATIENT = "Ctrl+F"      # switches to Patient Billing and puts the cursor in search
SHOW_SCHEDULE = "Ctrl+1"
SHOW_BILLING = "Ctrl+2"
SHOW_PACKAGES = "Ctrl+3"
LOCK = "Ctrl+L"

# Schedule tab.
BOOK = "Ctrl+N"
ARRIVE = "Ctrl+R"
PREVIOUS_DAY = "Alt+Left"
NEXT_DAY = "Alt+Right"
TODAY = "Alt+Home"
UNDO_MOVE = "Ctrl+Z"  # the last visit dragged on the grid goes back

# Patient Billing tab (for the selected patient).
NEW_PURCHASE = "Ctrl+P"
RECEIVE_PAYMENT = "Ctrl+M"
