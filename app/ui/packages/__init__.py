"""The Packages tab: the package templates the clinic offers for sale."""

from .tab import PackagesTab
from .template_dialog import PackageTemplateDialog

__all__ = ["PackageTemplateDialog", "PackagesTab"]
