"""Which credentials an authenticated ProConnect identity may obtain, and why (or why not)."""
