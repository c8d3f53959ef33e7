"""Pages every visitor reaches: the landing page and the language switch."""
