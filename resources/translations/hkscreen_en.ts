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
        <source>One decision, recorded for each of %n line(s): %1.</source>
        <translation>
            <numerusform>One decision, recorded for each of %n line: %1.</numerusform>
            <numerusform>One decision, recorded for each of %n lines: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>One decision, recorded for each of %n line(s): %1 … %2.</source>
        <translation>
            <numerusform>One decision, recorded for each of %n line: %1 … %2.</numerusform>
            <numerusform>One decision, recorded for each of %n lines: %1 … %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more line(s)</source>
        <translation>
            <numerusform>and %n more line</numerusform>
            <numerusform>and %n more lines</numerusform>
        </translation>
    </message>
</context>
</TS>
