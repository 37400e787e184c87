"""Thin QAbstractTableModels: column constants, rows set in one reset, raw values to sort by."""
