"""The events API under /api/v1/: events, their timetable and delegations, registrations and check-in."""
