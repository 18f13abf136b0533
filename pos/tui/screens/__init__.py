"""One module a screen; modals beside the screen that opens them.

No module here imports another: the app (`pos.tui.app`) routes between screens, and a modal
returns with `dismiss(result)` (checked by tests/tui/test_routing.py).
"""
