"""Staff pages of the agenda: the day, week and month of a site, permanences, bookings
at the desk, workshops and attendance. Every read is scoped to the page's network."""
