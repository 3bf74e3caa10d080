from django.db import models


class Lab(models.Model):
    class Engine(models.TextChoices):
        COST_ESTIMATOR = "cost-estimator", "Cost estimator"
        CACHING_STRATEGIST = "caching-strategist", "Caching strategist"
        PROMPT_AUDITOR = "prompt-auditor", "Prompt auditor"
        ARCHITECTURE_ADVISOR = "architecture-advisor", "Architecture advisor"

    slug = models.SlugField(unique=True)
    lesson = models.OneToOneField("courses.Lesson", on_delete=models.CASCADE, related_name="lab")
    title = models.CharField(max_length=200)
    engine = models.CharField(max_length=30, choices=Engine.choices)
    task_markdown = models.TextField()
    task_html = models.TextField(editable=False)
    try_asking = models.TextField()
    greeting_markdown = models.TextField()
    greeting_html = models.TextField(editable=False)
    system_prompt = models.TextField()

    def __str__(self) -> str:
        return self.title


class Conversation(models.Model):
    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="lab_conversations"
    )
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=200, blank=True)
    # Older turns, summarized by a cheap model once the conversation grows long.
    summary = models.TextField(blank=True)
    summary_turns = models.PositiveIntegerField(default=0, help_text="Turns the summary covers")
    # An instructor trying an unpublished edit of the lab: the edited fields, used in place of
    # the lab's own. Trials stay out of learners' lists and progress.
    is_trial = models.BooleanField(default=False)
    lab_overrides = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "lab", "-updated_at"])]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Learner"
        ASSISTANT = "assistant", "Assistant"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Writing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Stopped"

    class Engine(models.TextChoices):
        OFFLINE = "offline", "Offline tutor"
        CLAUDE = "claude", "Claude"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    engine = models.CharField(max_length=10, choices=Engine.choices, blank=True)
    error = models.TextField(blank=True, help_text="Safe to show the learner")
    error_detail = models.TextField(blank=True, help_text="For admins: the cause")
    notice = models.CharField(
        max_length=300, blank=True, help_text="e.g. why the offline tutor answered"
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker claimed it")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker answering a running reply; a stale one means the
    # worker died, and the sweep re-queues the reply.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.role} #{self.pk} ({self.status})"


class Calculation(models.Model):
    """One calculator call made for a reply: shown under it as a calculation card."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="calculations")
    order = models.PositiveSmallIntegerField()
    tool = models.CharField(max_length=60)
    input = models.JSONField()
    output = models.JSONField()
    is_error = models.BooleanField(default=False)
    # The card (tables and chart), rendered once by the worker and again when the learner
    # corrects the inputs ("What I understood").
    html = models.TextField(blank=True, editable=False)
    # The input as the tutor or Claude first read it, kept once the learner edits `input`: the
    # reply's text still describes this reading, and "Back to what I read" restores it. None:
    # never edited.
    original_input = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["message", "order"]

    def __str__(self) -> str:
        return f"{self.tool} for message {self.message_id}"


class ApiCall(models.Model):
    """One Claude API call: every usage field and its cost from the calculator."""

    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls"
    )
    user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True)
    lab = models.ForeignKey(Lab, on_delete=models.SET_NULL, null=True)
    purpose = models.CharField(max_length=20, default="reply")  # reply | summary
    model = models.CharField(max_length=80)
    input_tokens = models.PositiveIntegerField(default=0)
    cache_write_5m_tokens = models.PositiveIntegerField(default=0)
    cache_write_1h_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    uncached_cost_usd = models.DecimalField(
        max_digits=14, decimal_places=8, default=0, help_text="The same call without caching"
    )
    request_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.model} {self.cost_usd} USD"


class EvalRun(models.Model):
    """One run of the golden evaluation (labs/evals.py) for one lab and one engine."""

    class Engine(models.TextChoices):
        OFFLINE = "offline", "Offline tutor"
        CLAUDE = "claude", "Claude"

    lab = models.SlugField()
    engine = models.CharField(max_length=10, choices=Engine.choices)
    model = models.CharField(max_length=100, blank=True, help_text="The Claude model, if any")
    # What the run measured: the lab's prompt, the price table, the golden cases, the concept
    # base and the model. A change to any of them makes the run stale.
    fingerprint = models.CharField(max_length=64)
    total = models.PositiveIntegerField()
    right = models.PositiveIntegerField()
    asked = models.PositiveIntegerField()
    wrong = models.PositiveIntegerField()
    confidently_wrong = models.PositiveIntegerField()
    results = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lab", "engine", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.lab} ({self.engine}): {self.right}/{self.total}"

    @property
    def pass_rate(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0


class Concept(models.Model):
    """One entry of the concept base: a short answer to a question learners ask about an idea.

    It lives in `labs`, not `courses`, because its one reader is the offline tutor (labs/tutor):
    a lesson page never shows it. The foreign key then points down the app order (labs stands
    on courses), where a `courses.Concept` read by the tutor would make courses serve labs.
    Loaded from content/modules/<module>/concepts/<lesson>.yaml by sync_content, edited in the
    app (authoring/concepts.py), written back by export_content.
    """

    lesson = models.ForeignKey("courses.Lesson", on_delete=models.CASCADE, related_name="concepts")
    slug = models.SlugField(unique=True)
    # The place in its lesson's file, so export writes the concepts back in the same order.
    order = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=120, blank=True, help_text="A heading id of the lesson")
    title = models.CharField(max_length=200)
    questions = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    answer = models.TextField(help_text="Markdown with living numbers")
    # Other lessons' headings that teach the idea too: "lesson-slug#heading-id".
    also = models.JSONField(default=list, blank=True)
    # The tutor's cached index is keyed on the newest of these (and the count): saving a row,
    # at a publish or a sync, is what tells every process to rebuild it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lesson__module__slug", "lesson__slug", "order"]

    def __str__(self) -> str:
        return self.title
