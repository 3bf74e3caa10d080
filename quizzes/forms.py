from django import forms

from config.params import IdChoiceField, IsoDateField
from quizzes.models import Quiz, RetakeGrant
from quizzes.reports import ReportFilter


class ReportFilterForm(forms.Form):
    date_from = IsoDateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = IsoDateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    learner = forms.CharField(
        required=False,
        max_length=150,
        label="Learner",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "username or email"}),
    )

    staff = forms.BooleanField(required=False, label="Include staff (admins and instructors)")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def to_filter(self, *, allow_learner: bool = True) -> ReportFilter:
        """The filter to apply: none at all when the form has errors (they are shown)."""
        if not self.is_valid():
            return ReportFilter()
        data = self.cleaned_data
        return ReportFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            learner=(data.get("learner") or "").strip() if allow_learner else "",
            include_staff=bool(data.get("staff")),
        )


class RetakeGrantForm(forms.Form):
    quiz = IdChoiceField(
        queryset=Quiz.objects.filter(kind=Quiz.Kind.TEST).select_related("module"),
        empty_label=None,
        label="Test",
    )
    kind = forms.ChoiceField(
        choices=RetakeGrant.Kind.choices,
        initial=RetakeGrant.Kind.GRANT,
        widget=forms.RadioSelect,
        label="Action",
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the grant, with your name and the time.",
    )
