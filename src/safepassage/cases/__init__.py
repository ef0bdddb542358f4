"""Cases, their contacts and messages, and the case state machine."""
