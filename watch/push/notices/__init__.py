"""Notices: pushes that are not alerts (for other domains, watch.push.notices.service), and the admins' failure notice."""
