"""Invite links: made by the contact representatives, shared, e-mailed or printed as a QR code, accepted."""
