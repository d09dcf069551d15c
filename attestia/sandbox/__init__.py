"""Development sandbox: fictitious ProConnect personas and the offline company registry."""
