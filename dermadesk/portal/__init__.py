"""The patient portal: a patient signed in by an email code sees and manages their own data."""
