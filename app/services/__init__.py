"""Services: the Clinic facade, one module per area. Rules live here, once."""

from .clinic import Clinic
from .errors import ClinicError, Conflict, NotAllowed, NotFound, ValidationError

__all__ = ["Clinic", "ClinicError", "Conflict", "NotAllowed", "NotFound", "ValidationError"]
