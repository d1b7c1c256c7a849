package io.meshhook.metrics.evaluator.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;
import io.smallrye.mutiny.Uni;

/** Sends alert mails through quarkus-mailer, with HTML and text bodies from type-safe Qute templates. */
@ApplicationScoped
public class EmailChannel implements Channel {

    /** templates/EmailChannel/alert.html and alert.txt: one mail, two bodies. */
    @CheckedTemplate
    static class Templates {
        static native MailTemplateInstance alert(AlertMessage message);
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public Uni<Void> send(Notification notification) {
        AlertMessage message = AlertMessage.of(notification.payload());
        // the notification id lets a mail system (or a person) spot the one duplicate a crash can cause
        Mail mail = new Mail().addHeader("X-Alert-Notification-Id", notification.id().toString());
        return Templates.alert(message).mail(mail).to(notification.target()).subject(message.subject()).send();
    }
}
