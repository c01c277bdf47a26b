"""File formats exchanged with factories and auditors: tables in, letters and trackers out."""
