"""The people of an area: members and contact representatives, join requests, leaving and removal."""
