"""Public pages of a network: its offer, booking without an account, manage links, feeds."""
