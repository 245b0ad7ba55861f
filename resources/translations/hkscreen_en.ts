<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n lines selected; review buttons apply to all of them.</source>
        <translation>
            <numerusform>%n line selected; review buttons apply to it.</numerusform>
            <numerusform>%n lines selected; review buttons apply to all of them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Review saved for %n line(s).</source>
        <translation>
            <numerusform>Review saved for %n line.</numerusform>
            <numerusform>Review saved for %n lines.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message numerus="yes">
        <source>%n line(s) selected: one decision, recorded for each.</source>
        <translation>
            <numerusform>%n line selected: the decision is recorded for it.</numerusform>
            <numerusform>%n lines selected: one decision, recorded for each.</numerusform>
        </translation>
    </message>
</context>
</TS>
