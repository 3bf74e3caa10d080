from django.urls import path

from quizzes.views import lesson_quiz, module_test, regrade, reports

app_name = "quizzes"

LESSON = "modules/<slug:module>/lessons/<slug:lesson>/quiz/"
TEST = "modules/<slug:module>/test/"
ATTEMPT = TEST + "attempts/<int:pk>/"

urlpatterns = [
    # Lesson quizzes
    path(LESSON, lesson_quiz.quiz_page, name="quiz"),
    path(LESSON + "answer/", lesson_quiz.quiz_answer, name="quiz_answer"),
    path(LESSON + "retake/", lesson_quiz.quiz_retake, name="quiz_retake"),
    # The module test
    path(TEST, module_test.test_page, name="test"),
    path(TEST + "start/", module_test.test_start, name="test_start"),
    path(ATTEMPT, module_test.attempt_resume, name="attempt"),
    path(ATTEMPT + "questions/<int:number>/", module_test.attempt_question, name="question"),
    path(ATTEMPT + "answer/", module_test.attempt_answer, name="answer"),
    path(ATTEMPT + "review/", module_test.attempt_review, name="review"),
    path(ATTEMPT + "submit/", module_test.attempt_submit, name="submit"),
    path(ATTEMPT + "result/", module_test.attempt_result, name="result"),
    # Score reports
    path("reports/", reports.overview, name="reports"),
    path("reports/attempts/", reports.attempts, name="report_attempts"),
    path("reports/attempts.csv", reports.export_attempts, name="export_attempts"),
    path("reports/answers.csv", reports.export_answers, name="export_answers"),
    path("reports/questions/", reports.questions, name="report_questions"),
    path("reports/learners/<int:pk>/", reports.learner, name="report_learner"),
    path("reports/learners/<int:pk>/retakes/", reports.learner_grant, name="report_grant"),
    path("reports/regrade/", regrade.regrade, name="regrade"),
]
