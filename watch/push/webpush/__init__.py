"""Web Push protocol layer, free of Flask and of the app: the web app, the workers and the benchmarks import it.

- endpoints: subscription validation and the address check (SSRF guard);
- ece: RFC 8291 message encryption; vapid: RFC 8292 keys and tokens;
- message: one push (payload, TTL, urgency, topic), no I/O;
- client: the HTTP client (aiohttp) that connects only to checked addresses;
- sender: PushSender, which encrypts, signs and delivers messages over that client.

The retry policy (classify, backoff, Retry-After, circuit breaker) is watch.push.retry.
Nothing is re-exported here, so importing `message` does not load the HTTP client.
"""
