"""Charts and summaries for management: who is risky, what is overdue, whether findings come back."""
