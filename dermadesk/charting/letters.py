# ruff: noqa: E501  (the words are written one paragraph a line, as in messages.toml)
"""The recall letter's words as first written: the data migration seeds the message template
with them (staff may edit it in the admin), and the recall puts them back if the template
was deleted. Only what the patient must know: the day of their visit, the product and its
lot, what to do. Nothing of the treatment itself."""

RECALL_TEMPLATE_KEY = "lot-recall"
RECALL_CONTEXT = (
    "given_name: the patient's first name; visit_day: the day of their visit, in words; "
    "product and lot_number: what was recalled"
)
RECALL_SUBJECT = "About a product used at your visit"
RECALL_TEXT = """
Hello {{ given_name }},

We are writing about your visit to us on {{ visit_day }}. The maker of a product we used that day ({{ product }}, lot {{ lot_number }}) has recalled that lot. We are contacting everyone it was used for.

Please call us on {{ clinic.phone }} so that we can talk it through with you and, if it helps, see you at no cost. If you notice anything about your skin that worries you in the meantime, call us straight away.

If you need urgent help, please call your local emergency number.
"""
RECALL_HTML = """
<p>Hello {{ given_name }},</p>
<p>We are writing about your visit to us on {{ visit_day }}. The maker of a product we used that day ({{ product }}, lot {{ lot_number }}) has recalled that lot. We are contacting everyone it was used for.</p>
<p>Please call us on {{ clinic.phone }} so that we can talk it through with you and, if it helps, see you at no cost. If you notice anything about your skin that worries you in the meantime, call us straight away.</p>
<p>If you need urgent help, please call your local emergency number.</p>
"""
