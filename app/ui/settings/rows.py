"""A form row whose label's mnemonic reaches the field itself (issue 8: keyboard-first).

`forms.beside` packs a field with its unit ("%", "before tax") in a holder that takes no
focus; a label whose buddy is that holder has a mnemonic that goes nowhere. Here the label's
buddy is the field, and screen readers read the label as the field's name.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ..forms import beside


def add_row(form: QFormLayout, text: str, field: QWidget, *others: QWidget,
            packed: bool = False) -> QLabel:
    """`text` ("&Price:") beside `field`, and `others` after it on the same row; `packed`
    (or `others`): the row keeps to the left rather than taking the form's width."""
    label = QLabel(text)
    label.setBuddy(field)
    if not field.accessibleName():
        # Qt finds a buddy label only beside its field, not across `beside`'s holder.
        field.setAccessibleName(text.replace("&", "").rstrip(":\u00a0 "))
    if isinstance(field, QLineEdit) and field.placeholderText():
        # "e.g. Missed appointment" whole, in any language, not "p. ex. Rendez-vous …"
        wanted = field.fontMetrics().horizontalAdvance(field.placeholderText()) + 24
        field.setMinimumWidth(max(field.minimumWidth(), wanted))
    form.addRow(label, beside(field, *others) if others or packed else field)
    return label
