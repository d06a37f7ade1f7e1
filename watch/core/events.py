"""Signals between domains, so that no domain reaches into another's internals.

Receivers run inside the sender's transaction: they add to the session they are
given and never commit it.
"""
from blinker import Namespace

signals = Namespace()

#: sender: the User about to be deleted; kwargs: session. Domains delete or
#: anonymise what they hold about the user.
user_deleting = signals.signal("user-deleting")

#: sender: the User; kwargs: session, data (a dict each domain adds its part to).
user_export = signals.signal("user-export")

#: sender: the Alert just stored (flushed, id set); kwargs: session, area_ids.
#: The push domain fans out deliveries in the same transaction.
alert_posted = signals.signal("alert-posted")

#: sender: the Organisation about to be deleted; kwargs: session. A domain whose
#: records point at it raises a ServiceError to refuse (deactivate it instead).
organisation_deleting = signals.signal("organisation-deleting")

#: sender: the AreaMembership about to be deleted (the person leaves or is
#: removed); kwargs: session. What the person kept in that area goes with them.
membership_ending = signals.signal("membership-ending")

#: sender: the Alert being fanned out; kwargs: session, area_ids, extra (a dict
#: user id -> area id that receivers add to). The push domain also delivers to
#: these people, whatever their preferences: e.g. an absent household and the
#: neighbours helping it while it is away.
alert_extra_audience = signals.signal("alert-extra-audience")

#: sender: the Alert just closed by a person (not by expiry); kwargs: session,
#: closed_by (the User). Runs before the commit: receivers add, never commit.
alert_closed = signals.signal("alert-closed")

#: sender: the AreaMembership that just became a contact representative (new
#: area or a changed role; flushed); kwargs: session. The training domain gives
#: it the person's latest training date from attended sessions.
contact_appointed = signals.signal("contact-appointed")

#: sender: the user id whose personal calendar feed (watch.training.calendar,
#: behind their secret CalendarKey) is being built; kwargs: session, calendar
#: (an icalendar.Calendar). Domains with dated things of that person (night-walk
#: shifts...) add their VEVENTs; receivers only read the session.
personal_calendar = signals.signal("personal-calendar")
