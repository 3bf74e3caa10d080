from labs.models import Conversation, Lab, Message

LAB_URL = "/modules/cost-optimization/lessons/token-economics/lab/"


def make_conversation(user, lab: Lab, *texts: str) -> Conversation:
    conversation = Conversation.objects.create(user=user, lab=lab, title="t")
    for text in texts:
        Message.objects.create(conversation=conversation, role="user", text=text)
        Message.objects.create(
            conversation=conversation, role="assistant", text="ok", status="done"
        )
    return conversation
