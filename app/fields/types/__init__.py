"""Field types: one class per type, collected in a registry by name."""
