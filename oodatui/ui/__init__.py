"""The Textual dashboard over the headless core."""
