"""Secure messages (issue 12, point 3): a patient, or a representative holding
`messages`, writes to the clinic; staff holding `messages.manage` answer from the
clinic inbox. Split by responsibility:

- `records`: the conversation/message items, the counts a conversation's state
  adds to, and `commit()`, the one transaction every change goes through;
- `patient`: the patient side's use cases (list, start, open, reply);
- `staff`: the inbox, its counts/ETag, open, reply, assign, close and reopen;
- `notify`: the "you have a new message" emails (never the content);
- `topics`: the clinic setting `message_topics`.

The HTTP edge is `chalicelib/api/messages.py`; the pages are web/messages.* and web/inbox.*.
"""
