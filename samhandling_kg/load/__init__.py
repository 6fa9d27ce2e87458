"""Loading graphs into stores all-or-nothing: swap, lease, diff."""
