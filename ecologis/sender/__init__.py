"""EcoSystem sender: registration data, mutual-TLS REST client, durable outbox with
24-hour back-fill tracking, inbox watcher and a reference receiver.

The Ministry's technical instruction is not public, so the contract is EcologIS's
own (``docs/sender/``) and every endpoint path and field name is configurable.
"""
