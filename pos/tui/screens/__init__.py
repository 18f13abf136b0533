"""One module a screen; modals beside the screen that opens them."""
