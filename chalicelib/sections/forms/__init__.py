"""The Forms section (`forms`): clinic form templates, requests made of a portal
account from a template, the patient's draft and submission, staff review.

- `templates`: staff with `portal_accounts.manage` define a clinic's templates
  (revisions, archive instead of delete);
- `requests`: staff ask a User Management row (one grant) to fill in a template;
  the request keeps a snapshot of the template as it was;
- `answers`: the patient side (guard `section_access("forms")`): list, open, save
  a draft, submit; answers checked by `validation`;
- `review`: staff with `forms.review` read submitted forms and mark them reviewed.

Counts (`sections.counters`, in the changing transaction): `grant#<id>.forms_open`
(+1 request, -1 submit or cancel) and `clinic.forms_submitted` (+1 submit, -1 review).
"""
FORMS = "forms"
