"""Reminders: e-mails that prompt for the follow-ups, the daily check-in and session ratings, a
private calendar feed, and the jobs that send them (docs/reminders.md).

- :mod:`.schedule`: when a reminder is due (pure: time zones, daylight saving, quiet hours);
- :mod:`.links`: every link a reminder or the calendar carries, built in one place;
- :mod:`.mail`: the e-mail itself (a link and a time, never a health value);
- :mod:`.services`: writes (planning, sending with an atomic claim, the jobs, settings, tokens);
- :mod:`.selectors`: reads (what is due, the calendar's events);
- :mod:`.calendar`: the iCalendar feed; :mod:`.worker`: running the job worker.
"""
