"""Login, logout and lock-outs (invite registration and password reset join later)."""
