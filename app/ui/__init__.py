"""Qt only. Widgets gather what the desk typed, call one `Clinic` method, and show the answer."""
