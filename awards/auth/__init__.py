"""Sign-in, sign-out, accounts and passwords."""
