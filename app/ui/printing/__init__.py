"""Printing to the desk's printers (R48): which printer a document goes to (route.py), how a
PDF reaches it (spool.py through CUPS, raster.py through Qt where there is no CUPS), and the
printers this desk remembers (desk_printers.py)."""
