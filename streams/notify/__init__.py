"""`dyadwatch notify`: alerts delivered to webhooks and mailboxes, once each (docs/notify.md)."""
