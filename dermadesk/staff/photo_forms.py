"""Forms of the photo pages: they check what staff chose; the photo services decide."""

from django import forms

from dermadesk.photos.intake import FORMATS_IN_WORDS
from dermadesk.photos.models import PhotoArea, PhotoMoment, PhotoPurpose, Rater
from dermadesk.photos.results import SCORE_WORDS
from dermadesk.photos.services import USES_BEYOND_THE_CHART

NOTE_LENGTH = 200


class PhotoUploadForm(forms.Form):
    area = forms.ChoiceField(
        label="Area",
        choices=[("", "Choose the area"), *PhotoArea.choices],
        error_messages={"required": "Please choose the area the photo shows."},
    )
    moment = forms.ChoiceField(
        label="Taken",
        choices=PhotoMoment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please say whether it is before or after the treatment."},
    )
    image = forms.FileField(
        label="Photo",
        # On a phone or tablet, `capture` opens the back camera straight away.
        widget=forms.ClearableFileInput({"accept": "image/*", "capture": "environment"}),
        help_text=f"{FORMATS_IN_WORDS}. Location and camera details are removed when it is kept.",
        error_messages={
            "required": "Please take or choose a photo.",
            "empty": "The file is empty. Please choose the photo again.",
        },
    )


class PhotoConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=PhotoPurpose.choices, widget=forms.HiddenInput)
    change = forms.ChoiceField(
        choices=[("give", "Record consent"), ("withdraw", "Withdraw consent")],
        widget=forms.HiddenInput,
    )


class PhotoExportForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=[(p.value, PhotoPurpose(p.value).label) for p in USES_BEYOND_THE_CHART],
        widget=forms.HiddenInput,
    )


class SessionRatingForm(forms.Form):
    rater = forms.ChoiceField(
        label="Whose rating",
        choices=Rater.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please say whose rating this is."},
    )
    score = forms.TypedChoiceField(
        label="Result",
        choices=[(score, f"{score}: {words}") for score, words in SCORE_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a rating from 1 to 5."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_LENGTH,
        help_text="Optional, a few words: what changed, what the patient said.",
    )
