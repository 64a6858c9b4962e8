"""The price book: channels, models and dated offers."""
