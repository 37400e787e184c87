"""ClinicDesk: an offline point-of-sale for a clinic's reception desk."""

__version__ = "0.1.0"
