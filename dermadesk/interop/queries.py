"""Reading a patient's whole record into the plain facts ``interop.fhir`` maps to FHIR.

Eight queries whatever the record's size: the patient, their bookings (with treatment,
place and course), the resources of those bookings, their screening answers with the
versions answered, those versions' questions, their consent signatures with the documents
signed, which document versions are current, and the areas of their signed charts (with
each chart, its visit, clinician, pen and lots).
"""

from datetime import datetime

from django.db.models import Count, Max, Prefetch

from dermadesk.aftercare.guide import Treatment, dated, timeline_for
from dermadesk.aftercare.models import Aftercare
from dermadesk.charting.models import Area, Chart, ChartArea, ChartStatus, LotKind
from dermadesk.checkout.course import session_label
from dermadesk.interop.fhir import (
    AreaFacts,
    CarePlanFacts,
    CareStage,
    ConsentFacts,
    Participant,
    ParticipantKind,
    PatientFacts,
    PatientRecord,
    ProcedureFacts,
    QuestionFacts,
    QuestionnaireFacts,
    ScreeningFacts,
    VisitFacts,
)
from dermadesk.patients.models import ConsentDocument, ConsentSignature, Patient
from dermadesk.scheduling.models import Allocation, Booking, BookingStatus, ResourceKind
from dermadesk.screening.models import Question, Questionnaire, ScreeningResponse
from dermadesk.screening.rules import AnswerType

PARTICIPANT_KINDS = {
    ResourceKind.PROVIDER: ParticipantKind.PRACTITIONER,
    ResourceKind.ROOM: ParticipantKind.LOCATION,
    ResourceKind.DEVICE: ParticipantKind.DEVICE,
}


def _participant_order(participant: Participant) -> tuple[int, str]:
    """The clinician first, then rooms, then devices; by name within each."""
    return list(ParticipantKind).index(participant.kind), participant.name


def _visit(booking: Booking) -> VisitFacts:
    participants: dict[tuple[ParticipantKind, str], Participant] = {}
    for allocation in booking.allocations.all():  # prefetched, with their resources
        resource = allocation.resource
        kind = PARTICIPANT_KINDS[ResourceKind(resource.kind)]
        participants.setdefault((kind, resource.name), Participant(kind, resource.name))
    series, number = booking.series, booking.series_number
    return VisitFacts(
        public_id=booking.public_id,
        status=booking.status,
        start=booking.starts_at,
        end=booking.ends_at,
        zone=booking.location.zone,
        service_slug=booking.service.slug,
        service_name=booking.service.name,
        location_name=booking.location.name,
        created_at=booking.created_at,
        session=session_label(number, series.sessions_planned) if series and number else "",
        participants=tuple(sorted(participants.values(), key=_participant_order)),
    )


def _questionnaire(version: Questionnaire, questions: list[Question]) -> QuestionnaireFacts:
    return QuestionnaireFacts(
        version=version.version,
        title=version.title,
        published=version.published,
        created_at=version.created_at,
        questions=tuple(
            QuestionFacts(
                key=question.key,
                text=question.text,
                answer_type=AnswerType(question.answer_type),
                required=question.required,
                choices=tuple(question.choice_pairs),
            )
            for question in questions
        ),
    )


def _procedures(patient: Patient) -> tuple[ProcedureFacts, ...]:
    """The patient's signed charts, each with its areas: one query (a signed chart has at
    least one area, so reading the areas finds every chart)."""
    areas = (
        ChartArea.objects.filter(chart__patient=patient, chart__status=ChartStatus.SIGNED)
        .select_related(
            "chart__booking__service",
            "chart__booking__location",
            "chart__clinician",
            "chart__device",
            "chart__cartridge_lot",
            "chart__prp_kit_lot",
        )
        .annotate(amendment_count=Count("chart__amendments"))
        .order_by("chart__booking__starts_at", "chart_id", "pk")
    )
    by_chart: dict[int, tuple[Chart, list[ChartArea], bool]] = {}
    for area in areas:
        entry = by_chart.setdefault(area.chart_id, (area.chart, [], False))
        entry[1].append(area)
        if area.amendment_count:
            by_chart[area.chart_id] = (entry[0], entry[1], True)
    labels = dict(Area.choices)
    procedures = []
    for chart, chart_areas, amended in by_chart.values():
        booking = chart.booking
        lots = [
            f"{LotKind(lot.kind).label}: {lot.product}, lot {lot.lot_number}"
            for lot in (chart.cartridge_lot, chart.prp_kit_lot)
            if lot is not None
        ]
        procedures.append(
            ProcedureFacts(
                number=chart.pk,
                visit_public_id=booking.public_id,
                service_slug=booking.service.slug,
                service_name=booking.service.name,
                start=booking.starts_at,
                end=booking.ends_at,
                zone=booking.location.zone,
                clinician=chart.clinician.get_full_name() or chart.clinician.get_username(),
                signed_at=chart.signed_at or booking.ends_at,
                amended=amended,
                areas=tuple(
                    AreaFacts(labels.get(a.area, a.area), str(a.depth_mm), a.passes)
                    for a in chart_areas
                ),
                device=chart.device.name if chart.device else "",
                lots=tuple(lots),
                skin_response=chart.skin_response,
                products_after=chart.products_after,
            )
        )
    return tuple(procedures)


def _care_plans(patient: Patient) -> tuple[CarePlanFacts, ...]:
    """Each completed session's aftercare, its timeline dated as the patient was given it
    (from when the session ended, in the clinic's zone). One query."""
    plans = []
    for aftercare in (
        Aftercare.objects.filter(booking__patient=patient)
        .select_related("booking__service", "booking__location")
        .order_by("session_ended_at", "pk")
    ):
        timeline = timeline_for(Treatment(aftercare.treatment))
        zone = aftercare.booking.location.zone
        plans.append(
            CarePlanFacts(
                number=aftercare.pk,
                visit=aftercare.booking.public_id,
                service_name=aftercare.booking.service.name,
                session_ended=aftercare.session_ended_at,
                zone=zone,
                stages=tuple(
                    CareStage(
                        title=d.stage.title,
                        starts=d.starts,
                        ends=d.ends,
                        normal=d.stage.normal,
                        do=d.stage.do,
                        avoid=d.stage.avoid,
                    )
                    for d in dated(timeline, aftercare.session_ended_at, zone)
                ),
                call_us_if=timeline.call_us_if,
                notes=timeline.notes,
            )
        )
    return tuple(plans)


def patient_record(*, patient_id: int, now: datetime) -> PatientRecord | None:
    """Everything the FHIR export holds of one patient; None if there is no such patient."""
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        return None
    bookings = (
        Booking.objects.filter(patient=patient)
        .exclude(status=BookingStatus.EXPIRED)
        .select_related("service", "location", "series")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("resource").order_by("pk"),
            )
        )
        .order_by("starts_at", "pk")
    )
    screenings = list(
        ScreeningResponse.objects.filter(patient=patient)
        .select_related("questionnaire")
        .order_by("created_at", "pk")
    )
    versions = {s.questionnaire_id: s.questionnaire for s in screenings}
    questions: dict[int, list[Question]] = {pk: [] for pk in versions}
    for question in Question.objects.filter(questionnaire_id__in=versions).order_by(
        "questionnaire_id", "order", "pk"
    ):
        questions[question.questionnaire_id].append(question)
    signatures = list(
        ConsentSignature.objects.filter(patient=patient)
        .select_related("document")
        .order_by("signed_at", "pk")
    )
    latest = dict(
        ConsentDocument.objects.filter(published_at__lte=now)
        .order_by()
        .values("kind")
        .annotate(latest=Max("version"))
        .values_list("kind", "latest")
    )
    return PatientRecord(
        procedures=_procedures(patient),
        care_plans=_care_plans(patient),
        patient=PatientFacts(
            number=patient.pk,
            given_name=patient.given_name,
            family_name=patient.family_name,
            email=patient.email,
            phone=patient.phone,
            birth_date=patient.date_of_birth,
            updated_at=patient.updated_at,
        ),
        visits=tuple(_visit(booking) for booking in bookings),
        questionnaires=tuple(
            _questionnaire(version, questions[pk])
            for pk, version in sorted(versions.items(), key=lambda item: item[1].version)
        ),
        screenings=tuple(
            ScreeningFacts(
                number=s.pk,
                questionnaire_version=s.questionnaire.version,
                authored=s.created_at,
                answers=s.answers,
            )
            for s in screenings
        ),
        consents=tuple(
            ConsentFacts(
                number=signature.pk,
                kind=signature.document.kind,
                title=signature.document.title,
                version=signature.document.version,
                body=signature.document.body,
                current=latest.get(signature.document.kind) == signature.document.version,
                signed_at=signature.signed_at,
            )
            for signature in signatures
        ),
    )
