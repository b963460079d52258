<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>Attachment</name>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 ist keine Datei.</translation>
    </message>
    <message>
        <source>%1 is too large (%2 MiB; the limit is %3 MiB).</source>
        <translation>%1 ist zu groß (%2 MiB; die Grenze liegt bei %3 MiB).</translation>
    </message>
    <message>
        <source>%1 has too many pixels (%2 x %3).</source>
        <translation>%1 hat zu viele Pixel (%2 × %3).</translation>
    </message>
    <message>
        <source>%1 is not a readable image.</source>
        <translation>%1 ist kein lesbares Bild.</translation>
    </message>
    <message>
        <source>%1 is not a readable sound file.</source>
        <translation>%1 ist keine lesbare Audiodatei.</translation>
    </message>
    <message>
        <source>%1 is too large (the limit for text is %2 KiB).</source>
        <translation>%1 ist zu groß (die Grenze für Text liegt bei %2 KiB).</translation>
    </message>
    <message>
        <source>%1 cannot be read.</source>
        <translation>%1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1: unsupported file type. Weft accepts PNG, JPEG, WebP, BMP, WAV, FLAC, OGG and text files.</source>
        <translation>%1: Dateityp wird nicht unterstützt. Weft nimmt PNG, JPEG, WebP, BMP, WAV, FLAC, OGG und Textdateien an.</translation>
    </message>
    <message>
        <source>The clipboard holds no readable image.</source>
        <translation>Die Zwischenablage enthält kein lesbares Bild.</translation>
    </message>
    <message>
        <source>The image has too many pixels (%1 x %2).</source>
        <translation>Das Bild hat zu viele Pixel (%1 × %2).</translation>
    </message>
    <message>
        <source>Images, sounds and text (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</source>
        <translation>Bilder, Klänge und Text (*.png *.jpg *.jpeg *.webp *.bmp *.wav *.flac *.ogg *.txt *.md)</translation>
    </message>
    <message>
        <source>%1 cannot be used as a sound: %2</source>
        <translation>%1 kann nicht als Klang verwendet werden: %2</translation>
    </message>
</context>
<context>
    <name>LaunchFiles</name>
    <message>
        <source>The files could not be opened: no new conversation could be created.</source>
        <translation>Die Dateien konnten nicht geöffnet werden: Es konnte keine neue Unterhaltung angelegt werden.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Multimodal chat and image editing</source>
        <translation>Multimodaler Chat und Bildbearbeitung</translation>
    </message>
    <message>
        <source>Model folder to load.</source>
        <translation>Zu ladender Modellordner.</translation>
    </message>
    <message>
        <source>Folder holding the conversations.</source>
        <translation>Ordner mit den Unterhaltungen.</translation>
    </message>
    <message>
        <source>Save the window as a PNG image and quit.</source>
        <translation>Das Fenster als PNG-Bild speichern und beenden.</translation>
    </message>
    <message>
        <source>With --screenshot: send this message first.</source>
        <translation>Mit --screenshot: zuerst diese Nachricht senden.</translation>
    </message>
    <message>
        <source>With --prompt: attach this file.</source>
        <translation>Mit --prompt: diese Datei anhängen.</translation>
    </message>
    <message>
        <source>Measure GUI stalls while drawing images, then quit.</source>
        <translation>Hänger der Oberfläche beim Zeichnen von Bildern messen, dann beenden.</translation>
    </message>
    <message>
        <source>With --bench-stall: write the result as JSON.</source>
        <translation>Mit --bench-stall: das Ergebnis als JSON schreiben.</translation>
    </message>
    <message>
        <source>With --bench-stall: image requests.</source>
        <translation>Mit --bench-stall: Anzahl der Bildanfragen.</translation>
    </message>
    <message>
        <source>With --bench-stall: engine threads (0 = every core).</source>
        <translation>Mit --bench-stall: Threads der Engine (0 = alle Kerne).</translation>
    </message>
    <message>
        <source>Pictures, sounds or text files to attach to a new conversation.</source>
        <translation>Bilder, Klänge oder Textdateien, die an eine neue Unterhaltung angehängt werden.</translation>
    </message>
</context>
<context>
    <name>weft::ui::AudioRecorder</name>
    <message>
        <source>the microphone could not be opened</source>
        <translation>das Mikrofon konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>the microphone stopped delivering sound</source>
        <translation>das Mikrofon liefert keinen Ton mehr</translation>
    </message>
    <message>
        <source>the audio system failed</source>
        <translation>das Audiosystem ist ausgefallen</translation>
    </message>
    <message>
        <source>the microphone failed</source>
        <translation>das Mikrofon ist ausgefallen</translation>
    </message>
    <message>
        <source>No microphone was found: recording needs an audio input device.</source>
        <translation>Kein Mikrofon gefunden: Für Aufnahmen wird ein Audioeingabegerät benötigt.</translation>
    </message>
    <message>
        <source>A recording is already running.</source>
        <translation>Es läuft bereits eine Aufnahme.</translation>
    </message>
    <message>
        <source>Recording could not start: %1.</source>
        <translation>Die Aufnahme konnte nicht starten: %1.</translation>
    </message>
    <message>
        <source>Recording could not start: the sound format is not supported.</source>
        <translation>Die Aufnahme konnte nicht starten: Das Tonformat wird nicht unterstützt.</translation>
    </message>
    <message>
        <source>Recording could not start: the sound source cannot be read.</source>
        <translation>Die Aufnahme konnte nicht starten: Die Tonquelle kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Nothing was recorded: the microphone delivered no sound.</source>
        <translation>Nichts aufgenommen: Das Mikrofon hat keinen Ton geliefert.</translation>
    </message>
    <message>
        <source>Recording ended early: %1. The sound so far is kept.</source>
        <translation>Die Aufnahme endete vorzeitig: %1. Der bisher aufgenommene Ton bleibt erhalten.</translation>
    </message>
    <message>
        <source>Recording failed: %1.</source>
        <translation>Die Aufnahme ist fehlgeschlagen: %1.</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatController</name>
    <message>
        <source>Saving failed, the previous copy is kept: %1</source>
        <translation>Speichern fehlgeschlagen, die vorherige Fassung bleibt erhalten: %1</translation>
    </message>
    <message>
        <source>The conversation could not be opened: %1</source>
        <translation>Die Unterhaltung konnte nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Recovered after an interrupted save: %1</source>
        <translation>Nach einem unterbrochenen Speichern wiederhergestellt: %1</translation>
    </message>
    <message>
        <source>The last message has no answer yet (the app was closed while it was generating). Press Retry to answer it.</source>
        <translation>Die letzte Nachricht hat noch keine Antwort (die App wurde während der Erzeugung geschlossen). Mit „Erneut versuchen“ wird sie beantwortet.</translation>
    </message>
    <message>
        <source>A new conversation could not be created: %1</source>
        <translation>Es konnte keine neue Unterhaltung angelegt werden: %1</translation>
    </message>
    <message>
        <source>Wait for the answer or press Stop first.</source>
        <translation>Warte auf die Antwort oder drücke zuerst „Stopp“.</translation>
    </message>
    <message>
        <source>Write a message or attach a file first.</source>
        <translation>Schreibe zuerst eine Nachricht oder hänge eine Datei an.</translation>
    </message>
    <message>
        <source>%1 could not be added: %2</source>
        <translation>%1 konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>The text is too long (more than %1 KiB).</source>
        <translation>Der Text ist zu lang (mehr als %1 KiB).</translation>
    </message>
    <message>
        <source>The model is not loaded yet; the message is saved. Press Retry when it is ready.</source>
        <translation>Das Modell ist noch nicht geladen; die Nachricht ist gespeichert. Drücke „Erneut versuchen“, sobald es bereit ist.</translation>
    </message>
    <message>
        <source>There is no answer to regenerate.</source>
        <translation>Es gibt keine Antwort, die neu erzeugt werden könnte.</translation>
    </message>
    <message>
        <source>This message carries no seed and options to reproduce it from.</source>
        <translation>Diese Nachricht enthält keinen Seed und keine Optionen zum Reproduzieren.</translation>
    </message>
    <message>
        <source>Stopped. Press Retry to answer again.</source>
        <translation>Gestoppt. Mit „Erneut versuchen“ wird erneut geantwortet.</translation>
    </message>
    <message>
        <source>The engine could not answer: %1</source>
        <translation>Die Engine konnte nicht antworten: %1</translation>
    </message>
    <message numerus="yes">
        <source>the example pairs of %n earlier message(s) were left out (their questions were kept)</source>
        <translation>
            <numerusform>wurden die Beispielpaare von %n früheren Nachricht weggelassen (ihre Fragen blieben erhalten)</numerusform>
            <numerusform>wurden die Beispielpaare von %n früheren Nachrichten weggelassen (ihre Fragen blieben erhalten)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the %n oldest message(s) were left out</source>
        <translation>
            <numerusform>wurde die älteste Nachricht weggelassen</numerusform>
            <numerusform>wurden die %n ältesten Nachrichten weggelassen</numerusform>
        </translation>
    </message>
    <message>
        <source>The conversation is longer than the model&apos;s context of %1 tokens, so for this answer %2.</source>
        <translation>Die Unterhaltung ist länger als der Kontext des Modells von %1 Tokens, daher %2 für diese Antwort.</translation>
    </message>
    <message>
        <source> and </source>
        <translation> und </translation>
    </message>
    <message>
        <source>The recording could not be saved: %1</source>
        <translation>Die Aufnahme konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>it holds no sound</source>
        <translation>sie enthält keinen Ton</translation>
    </message>
    <message>
        <source>no conversation could be created</source>
        <translation>es konnte keine Unterhaltung angelegt werden</translation>
    </message>
    <message>
        <source>The answer could not be saved: %1</source>
        <translation>Die Antwort konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>This answer was made by model %1 (%2); the loaded model %3 (%4) is a different one, so the reproduction will not be the same.</source>
        <translation>Diese Antwort stammt von Modell %1 (%2); das geladene Modell %3 (%4) ist ein anderes, daher wird die Reproduktion nicht gleich ausfallen.</translation>
    </message>
    <message>
        <source>This answer was made on %1 and is reproduced on %2; the output may differ.</source>
        <translation>Diese Antwort entstand auf %1 und wird auf %2 reproduziert; das Ergebnis kann abweichen.</translation>
    </message>
    <message>
        <source>%1: cannot create folder</source>
        <translation>%1: Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>%1 could not be copied</source>
        <translation>%1 konnte nicht kopiert werden</translation>
    </message>
    <message>
        <source>the question it answers is not in the conversation</source>
        <translation>die Frage, die sie beantwortet, ist nicht in der Unterhaltung</translation>
    </message>
</context>
<context>
    <name>weft::ui::ChatView</name>
    <message>
        <source>No audio output device is available.</source>
        <translation>Es ist kein Audioausgabegerät verfügbar.</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Answer being written</source>
        <translation>Antwort wird geschrieben</translation>
    </message>
    <message>
        <source>Image being generated</source>
        <translation>Bild wird erzeugt</translation>
    </message>
    <message>
        <source>Generation progress</source>
        <translation>Fortschritt der Erzeugung</translation>
    </message>
    <message>
        <source>Weft</source>
        <translation>Weft</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Answer the last message again</source>
        <translation>Die letzte Nachricht erneut beantworten</translation>
    </message>
    <message>
        <source>Play sound %1</source>
        <translation>Klang %1 abspielen</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>Deine Nachricht</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Vorherige Fassung</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>Fassung %1 von %2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Fassung</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>Bearbeiten und erneut senden</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <source>Regenerate with a new seed</source>
        <translation>Mit neuem Seed neu erzeugen</translation>
    </message>
    <message>
        <source>Reproduce</source>
        <translation>Reproduzieren</translation>
    </message>
    <message>
        <source>Reproduce with the same seed and options</source>
        <translation>Mit demselben Seed und denselben Optionen reproduzieren</translation>
    </message>
    <message>
        <source>Your text</source>
        <translation>Dein Text</translation>
    </message>
    <message>
        <source>Answer text</source>
        <translation>Antworttext</translation>
    </message>
    <message>
        <source>[image missing: %1]</source>
        <translation>[Bild fehlt: %1]</translation>
    </message>
    <message>
        <source>seed %1 · %2 · %3 s</source>
        <translation>Seed %1 · %2 · %3 s</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>This sound cannot be played: %1</source>
        <translation>Dieser Klang kann nicht abgespielt werden: %1</translation>
    </message>
    <message>
        <source>▶ %1 · %2 s</source>
        <translation>▶ %1 · %2 s</translation>
    </message>
    <message>
        <source>▶ %1 (unreadable)</source>
        <translation>▶ %1 (unlesbar)</translation>
    </message>
    <message>
        <source>Play sound %1, %2 seconds</source>
        <translation>Klang %1 abspielen, %2 Sekunden</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Copy the answer&apos;s text</source>
        <translation>Den Text der Antwort kopieren</translation>
    </message>
    <message>
        <source>Your picture %1</source>
        <translation>Dein Bild %1</translation>
    </message>
    <message>
        <source>Picture %1 of the answer</source>
        <translation>Bild %1 der Antwort</translation>
    </message>
    <message>
        <source>Example pair %1</source>
        <translation>Beispielpaar %1</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>Vorher %1</translation>
    </message>
    <message>
        <source>becomes</source>
        <translation>wird zu</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>Nachher %1</translation>
    </message>
    <message>
        <source>Query:</source>
        <translation>Anfrage:</translation>
    </message>
    <message>
        <source>Query picture</source>
        <translation>Anfragebild</translation>
    </message>
    <message>
        <source>Edit pairs…</source>
        <translation>Paare bearbeiten…</translation>
    </message>
    <message>
        <source>Edit the example pairs and send again</source>
        <translation>Die Beispielpaare bearbeiten und erneut senden</translation>
    </message>
    <message>
        <source>Your earlier picture</source>
        <translation>Dein früheres Bild</translation>
    </message>
    <message>
        <source>An earlier picture</source>
        <translation>Ein früheres Bild</translation>
    </message>
    <message>
        <source>From another version of this chat</source>
        <translation>Aus einer anderen Version dieses Chats</translation>
    </message>
    <message>
        <source>An earlier picture, shown again</source>
        <translation>Ein früheres Bild, erneut gezeigt</translation>
    </message>
    <message>
        <source>From your earlier message</source>
        <translation>Aus deiner früheren Nachricht</translation>
    </message>
    <message>
        <source>From an earlier answer</source>
        <translation>Aus einer früheren Antwort</translation>
    </message>
    <message>
        <source>From your message of %1</source>
        <translation>Aus deiner Nachricht von %1</translation>
    </message>
    <message>
        <source>From the answer of %1</source>
        <translation>Aus der Antwort von %1</translation>
    </message>
    <message>
        <source>Picture shown again: %1</source>
        <translation>Erneut gezeigtes Bild: %1</translation>
    </message>
    <message>
        <source>Show that message</source>
        <translation>Diese Nachricht anzeigen</translation>
    </message>
</context>
<context>
    <name>weft::ui::Composer</name>
    <message>
        <source>Write a message, or drop images, sounds and text here</source>
        <translation>Schreibe eine Nachricht oder ziehe Bilder, Klänge und Text hierher</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Eingabe sendet, Umschalt+Eingabe beginnt eine neue Zeile</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Anhänge</translation>
    </message>
    <message>
        <source>Composer message</source>
        <translation>Hinweis zur Eingabe</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>Anhängen…</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Dateien anhängen</translation>
    </message>
    <message>
        <source>Example pairs…</source>
        <translation>Beispielpaare…</translation>
    </message>
    <message>
        <source>Build an example-pair request</source>
        <translation>Eine Anfrage mit Beispielpaaren erstellen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>Erzeugung stoppen</translation>
    </message>
    <message>
        <source>Only local files can be attached: %1</source>
        <translation>Nur lokale Dateien können angehängt werden: %1</translation>
    </message>
    <message>
        <source>Pasted image</source>
        <translation>Eingefügtes Bild</translation>
    </message>
    <message>
        <source>This data cannot be attached (only files, images and text).</source>
        <translation>Diese Daten können nicht angehängt werden (nur Dateien, Bilder und Text).</translation>
    </message>
    <message>
        <source>♪ sound</source>
        <translation>♪ Klang</translation>
    </message>
    <message>
        <source>¶ text</source>
        <translation>¶ Text</translation>
    </message>
    <message>
        <source>Attachment %1</source>
        <translation>Anhang %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>Remove attachment %1</source>
        <translation>Anhang %1 entfernen</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● Aufnehmen</translation>
    </message>
    <message>
        <source>Record a sound</source>
        <translation>Einen Klang aufnehmen</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Aufnahme</translation>
    </message>
    <message>
        <source>Recording time</source>
        <translation>Aufnahmedauer</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Mikrofonpegel</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ Stopp</translation>
    </message>
    <message>
        <source>Stop recording and attach the sound</source>
        <translation>Aufnahme beenden und den Klang anhängen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Discard the recording</source>
        <translation>Aufnahme verwerfen</translation>
    </message>
    <message>
        <source>Save recording</source>
        <translation>Aufnahme speichern</translation>
    </message>
    <message>
        <source>Try to save the recording again</source>
        <translation>Erneut versuchen, die Aufnahme zu speichern</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Discard the recording that could not be saved</source>
        <translation>Die nicht gespeicherte Aufnahme verwerfen</translation>
    </message>
    <message>
        <source>Save or discard the last recording first.</source>
        <translation>Speichere oder verwirf zuerst die letzte Aufnahme.</translation>
    </message>
    <message>
        <source>Record up to %1 s from the microphone</source>
        <translation>Bis zu %1 s über das Mikrofon aufnehmen</translation>
    </message>
    <message>
        <source>● %1 / %2 s</source>
        <translation>● %1 / %2 s</translation>
    </message>
    <message>
        <source>Recordings cannot be saved here.</source>
        <translation>Aufnahmen können hier nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>%1
The recording is kept: press Save recording to try again, or Discard.</source>
        <translation>%1
Die Aufnahme bleibt erhalten: „Aufnahme speichern“ versucht es erneut, „Verwerfen“ verwirft sie.</translation>
    </message>
    <message>
        <source>♪ %1 s</source>
        <translation>♪ %1 s</translation>
    </message>
</context>
<context>
    <name>weft::ui::ConversationListModel</name>
    <message>
        <source>New conversation</source>
        <translation>Neue Unterhaltung</translation>
    </message>
    <message>
        <source>%1 (answering…)</source>
        <translation>%1 (antwortet…)</translation>
    </message>
</context>
<context>
    <name>weft::ui::ConversationSidebar</name>
    <message>
        <source>Search conversations</source>
        <translation>Unterhaltungen durchsuchen</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>Neue Unterhaltung</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>Unterhaltung umbenennen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Unterhaltung löschen</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
</context>
<context>
    <name>weft::ui::EngineWorker</name>
    <message>
        <source>No model folder is set and no embedded model was found.</source>
        <translation>Es ist kein Modellordner eingestellt und kein eingebettetes Modell vorhanden.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
    <message>
        <source>The model is not loaded.</source>
        <translation>Das Modell ist nicht geladen.</translation>
    </message>
    <message>
        <source>Picture drawn by %1, without a description</source>
        <translation>Von %1 gezeichnetes Bild, ohne Beschreibung</translation>
    </message>
</context>
<context>
    <name>weft::ui::ExamplePairDialog</name>
    <message>
        <source>Example pairs</source>
        <translation>Beispielpaare</translation>
    </message>
    <message>
        <source>Show the change with one or more before → after pairs, then give the image to change the same way.</source>
        <translation>Zeige die Änderung mit einem oder mehreren Vorher → Nachher-Paaren und gib dann das Bild an, das genauso geändert werden soll.</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Query image</source>
        <translation>Anfragebild</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>Builder message</source>
        <translation>Hinweis des Editors</translation>
    </message>
    <message>
        <source>Add pair</source>
        <translation>Paar hinzufügen</translation>
    </message>
    <message>
        <source>Add an example pair</source>
        <translation>Ein Beispielpaar hinzufügen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Before %1</source>
        <translation>Vorher %1</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>Nachher %1</translation>
    </message>
    <message>
        <source>Pair %1 needs both a before and an after image.</source>
        <translation>Paar %1 braucht ein Vorher- und ein Nachher-Bild.</translation>
    </message>
    <message>
        <source>Add at least one complete before → after pair.</source>
        <translation>Füge mindestens ein vollständiges Vorher → Nachher-Paar hinzu.</translation>
    </message>
    <message>
        <source>Add the query image.</source>
        <translation>Füge das Anfragebild hinzu.</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageSlot</name>
    <message>
        <source>%1
(drop or click)</source>
        <translation>%1
(ablegen oder klicken)</translation>
    </message>
    <message>
        <source>%1 is not an image.</source>
        <translation>%1 ist kein Bild.</translation>
    </message>
    <message>
        <source>Drop an image file here.</source>
        <translation>Lege hier eine Bilddatei ab.</translation>
    </message>
    <message>
        <source>Clear %1</source>
        <translation>%1 leeren</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageTile</name>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit this image</source>
        <translation>Dieses Bild bearbeiten</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Motiv</translation>
    </message>
    <message>
        <source>Use as subject</source>
        <translation>Als Motiv verwenden</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>Beispiel</translation>
    </message>
    <message>
        <source>Use as example</source>
        <translation>Als Beispiel verwenden</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Save image as…</source>
        <translation>Bild speichern unter…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>Bild kopieren</translation>
    </message>
    <message>
        <source>Press Enter to open the viewer</source>
        <translation>Eingabetaste öffnet die Bildansicht</translation>
    </message>
</context>
<context>
    <name>weft::ui::ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Image viewer</source>
        <translation>Bildbetrachter</translation>
    </message>
    <message>
        <source>Image view</source>
        <translation>Bildansicht</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Compare with the original</source>
        <translation>Mit dem Original vergleichen</translation>
    </message>
    <message>
        <source>Compare split position</source>
        <translation>Position der Vergleichslinie</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>Zoom:</translation>
    </message>
</context>
<context>
    <name>weft::ui::MainWindow</name>
    <message>
        <source>Weft</source>
        <translation>Weft</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig machen</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>Model status</source>
        <translation>Modellstatus</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>Ladefortschritt des Modells</translation>
    </message>
    <message>
        <source>Model %1 on %2</source>
        <translation>Modell %1 auf %2</translation>
    </message>
    <message>
        <source>Model not loaded: %1</source>
        <translation>Modell nicht geladen: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>&amp;Neue Unterhaltung</translation>
    </message>
    <message>
        <source>Export as &amp;folder…</source>
        <translation>Als &amp;Ordner exportieren…</translation>
    </message>
    <message>
        <source>Export as &amp;HTML page…</source>
        <translation>Als &amp;HTML-Seite exportieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>&amp;Neu erzeugen</translation>
    </message>
    <message>
        <source>&amp;Example pairs…</source>
        <translation>&amp;Beispielpaare…</translation>
    </message>
    <message>
        <source>&amp;Paste into message</source>
        <translation>In Nachricht &amp;einfügen</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Model card…</source>
        <translation>&amp;Modellkarte…</translation>
    </message>
    <message>
        <source>Loading model %1…</source>
        <translation>Modell %1 wird geladen…</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>Unterhaltung gelöscht.</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>The image could not be saved to %1.</source>
        <translation>Das Bild konnte nicht unter %1 gespeichert werden.</translation>
    </message>
    <message>
        <source>Image copied.</source>
        <translation>Bild kopiert.</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>Bearbeiten und erneut senden</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Nachricht:</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>Die Sprache wechselt beim nächsten Start.</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>In Ordner exportieren</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Nach %1 exportiert.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Export as HTML page</source>
        <translation>Als HTML-Seite exportieren</translation>
    </message>
    <message>
        <source>HTML page (*.html)</source>
        <translation>HTML-Seite (*.html)</translation>
    </message>
    <message>
        <source>Model %1 on %2 (the new model could not be loaded)</source>
        <translation>Modell %1 auf %2 (das neue Modell konnte nicht geladen werden)</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1. Still using %2.</source>
        <translation>Das Modell konnte nicht geladen werden: %1. %2 wird weiter verwendet.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Nicht gespeicherte Änderungen</translation>
    </message>
    <message>
        <source>● Not saved, next try in %1 s</source>
        <translation>● Nicht gespeichert, nächster Versuch in %1 s</translation>
    </message>
    <message>
        <source>● Not saved</source>
        <translation>● Nicht gespeichert</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s) could not be saved: %1
If you quit now, the last changes are lost.</source>
        <translation>
            <numerusform>%n Unterhaltung konnte nicht gespeichert werden: %1
Wenn du jetzt beendest, gehen die letzten Änderungen verloren.</numerusform>
            <numerusform>%n Unterhaltungen konnten nicht gespeichert werden: %1
Wenn du jetzt beendest, gehen die letzten Änderungen verloren.</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Save a copy elsewhere…</source>
        <translation>Kopie an anderem Ort speichern…</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>Trotzdem beenden</translation>
    </message>
    <message>
        <source>Save a copy of the unsaved conversations</source>
        <translation>Kopie der nicht gespeicherten Unterhaltungen speichern</translation>
    </message>
    <message>
        <source>A copy was saved in %1.</source>
        <translation>Eine Kopie wurde in %1 gespeichert.</translation>
    </message>
    <message>
        <source>The copy could not be saved: %1</source>
        <translation>Die Kopie konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>An answer is being written: Send is available again when it is done. Your pairs stay here.</source>
        <translation>Eine Antwort wird gerade geschrieben: „Senden“ ist wieder verfügbar, sobald sie fertig ist. Deine Paare bleiben hier.</translation>
    </message>
</context>
<context>
    <name>weft::ui::ModelCardDialog</name>
    <message>
        <source>Model card</source>
        <translation>Modellkarte</translation>
    </message>
    <message>
        <source>**Loaded:** %1 · %2 parameters · %3 · sha256 `%4`</source>
        <translation>**Geladen:** %1 · %2 Parameter · %3 · sha256 `%4`</translation>
    </message>
    <message>
        <source>No MODEL_CARD.md in %1.</source>
        <translation>Keine MODEL_CARD.md in %1.</translation>
    </message>
</context>
<context>
    <name>weft::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Embedded model</source>
        <translation>Eingebettetes Modell</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>Modellordner wählen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (GPU)</source>
        <translation>CUDA (GPU)</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>Alle Kerne</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Seed policy</source>
        <translation>Seed-Regel</translation>
    </message>
    <message>
        <source>New random seed for every answer</source>
        <translation>Neuer zufälliger Seed für jede Antwort</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>Fester Seed</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Guidance scale</source>
        <translation>Guidance-Stärke</translation>
    </message>
    <message>
        <source>Maximum text tokens</source>
        <translation>Maximale Anzahl Text-Tokens</translation>
    </message>
    <message>
        <source>Compress in-context examples</source>
        <translation>Kontextbeispiele komprimieren</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Fixed seed:</source>
        <translation>Fester Seed:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperatur:</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k:</translation>
    </message>
    <message>
        <source>Guidance scale:</source>
        <translation>Guidance-Stärke:</translation>
    </message>
    <message>
        <source>Maximum text tokens:</source>
        <translation>Maximale Text-Tokens:</translation>
    </message>
    <message>
        <source>Language (after restart):</source>
        <translation>Sprache (nach Neustart):</translation>
    </message>
</context>
<context>
    <name>weft::ui::StarterPanel</name>
    <message>
        <source>Draw: a small yellow star and a large red circle on blue stripes</source>
        <translation>Zeichnen: ein kleiner gelber Stern und ein großer roter Kreis auf blauen Streifen</translation>
    </message>
    <message>
        <source>Edit a picture: make the red circle green</source>
        <translation>Bild bearbeiten: den roten Kreis grün machen</translation>
    </message>
    <message>
        <source>Learn from an example pair, then apply it to a new picture</source>
        <translation>Aus einem Beispielpaar lernen und es auf ein neues Bild anwenden</translation>
    </message>
    <message>
        <source>Picture + sound: make it sound like rain</source>
        <translation>Bild + Ton: nach Regen klingen lassen</translation>
    </message>
    <message>
        <source>Ways to start</source>
        <translation>Möglichkeiten für den Anfang</translation>
    </message>
    <message>
        <source>Try one of these, or drop pictures and sounds here.</source>
        <translation>Probieren Sie eines davon aus oder ziehen Sie Bilder und Töne hierher.</translation>
    </message>
    <message>
        <source>weft-tiny knows only its world of shapes, colours and patterns: other pictures come back as shapes.</source>
        <translation>weft-tiny kennt nur seine Welt aus Formen, Farben und Mustern: andere Bilder kommen als Formen zurück.</translation>
    </message>
    <message>
        <source>What the model knows</source>
        <translation>Was das Modell kennt</translation>
    </message>
    <message>
        <source>Could not prepare the example files: %1</source>
        <translation>Die Beispieldateien konnten nicht vorbereitet werden: %1</translation>
    </message>
    <message>
        <source>Could not prepare the example file %1.</source>
        <translation>Die Beispieldatei %1 konnte nicht vorbereitet werden.</translation>
    </message>
</context>
</TS>
