"""Setting up cycles: the «مدیریت» area for organizers."""
