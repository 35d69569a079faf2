"""Delivering the event outbox (freezer_api.domain.events) to the world: an adapter around the domain.

* outbox.py: channels, their leases (one process at a time reads a channel)
  and their positions in the outbox;
* notifications.py: OpenStack notifications through oslo.messaging;
* webhooks.py: signed HTTP deliveries, retried with backoff;
* targets.py: which webhook addresses may be called (SSRF);
* dispatcher.py: the thread of each API process that runs the channels.
"""
