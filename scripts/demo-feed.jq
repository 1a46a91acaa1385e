# Turns what the demo's broker carries (mosquitto_sub -F '%J': one JSON
# object a message) into lines a person can follow: each scan with the
# station's answer, alerts as they are raised, change and clear, and the
# autoclaves' cycles phase by phase. scripts/demo runs it with
#   TZ=UTC jq -nr --unbuffered --arg prefix steritrack --arg color 0|1 -f scripts/demo-feed.jq
# Lines "@seen ..." tell scripts/demo what has been shown, so that it can wait
# for it: "@seen ID" the feedback of scan ID, "@seen alert:KIND/SUBJECT" a
# message on that alert's topic, "@seen cycle:STERILIZER/CYCLE" its cycle_end.

def pad($n): tostring | if length < $n then . + (" " * ($n - length)) else . end;
def paint($sgr): if $color == "1" then "\u001b[\($sgr)m" + . + "\u001b[0m" else . end;
def severity_paint($severity):
  paint(if $severity == "critical" then "1;31" elif $severity == "warning" then "33" else "36" end);
# Subjects are percent-encoded part by part in the topic (docs/mqtt.md).
def decode: gsub("%2[Ff]"; "/") | gsub("%2[Bb]"; "+") | gsub("%23"; "#") | gsub("%25"; "%");
# The ASCII 29 separator of GS1 codes, made visible.
def visible: gsub("\u001d"; "<GS>");
# A device time for scripts/demo to show in the clinic's zone: "@T{epoch}"
# (jq 1.6 gets local times wrong across daylight saving; date(1) does not).
# Run with TZ=UTC: jq 1.6 parses RFC 3339 with the local zone's mktime.
def clock: if type == "string" then "@T{" + (.[0:19] + "Z" | fromdateiso8601 | tostring) + "}" else "" end;
def one_decimal: tostring | if test("[.]") then . else . + ".0" end;

def feedback($station; $p):
  [ "  " + ($station | pad(10)) + " ▸ " + ($p.code | visible | pad(30)) + " "
      + (if $p.ok then ("✓ " + $p.message) | paint("32") else ("✗ " + $p.message) | paint("1;31") end) ]
  + (if $p.id then ["@seen " + $p.id] else [] end);

def alert($state; $topic; $subject; $kind; $p; $retained):
  ($state.alerts[$topic]) as $before
  | (if $p == null then
      if $before == null then []
      else [ "  " + ("✓ alert cleared: " + $kind + " " + $subject + " (was: " + $before.message + ")") | paint("32") ]
      end
    elif $before == null then
      [ "  " + ((if $retained then "⚠ alert open: " else "⚠ ALERT " end) + $kind + " " + $subject
                + " [" + $p.severity + "]: " + $p.message) | severity_paint($p.severity) ]
    elif $before.message != $p.message or $before.state != $p.state then
      [ "  " + ("↻ alert " + $kind + " " + $subject + " (" + $p.state + "): " + $p.message) | severity_paint($p.severity) ]
    else [] end)
  + ["@seen alert:" + $kind + "/" + $subject];

def sterilizer_event($state; $s; $p):
  ($s + "/" + ($p.cycle // "")) as $key
  | if $p.type == "cycle_start" then
      [ "  " + ("autoclave " + $s | pad(10)) + " ▸ cycle " + $p.cycle + " started at " + ($p.ts | clock)
        + ", program " + $p.program ]
    elif $p.type == "sample" and $state.phase[$key] != $p.phase then
      [ "  " + ("" | pad(10)) + "   " + ($p.phase | pad(12)) + " " + ($p.temp_c | one_decimal) + " °C  "
        + ($p.pressure_kpa | one_decimal) + " kPa  (" + ($p.ts | clock) + ")" ]
    elif $p.type == "cycle_end" then
      [ "  " + ("autoclave " + $s | pad(10)) + " ▸ cycle " + $p.cycle + " ended at " + ($p.ts | clock)
        + ": the sterilizer reports " + $p.result, "@seen cycle:" + $key ]
    elif $p.type == "fault" then
      [ ("  " + ("autoclave " + $s | pad(10)) + " ▸ fault " + $p.code + ": " + $p.message) | paint("33") ]
    else [] end;

foreach inputs as $m (
  {alerts: {}, phase: {}, out: []};
  ($m.topic | ltrimstr($prefix + "/") | split("/")) as $t
  | if $t[0] == "station" and $t[2] == "feedback" then
      .out = feedback($t[1]; $m.payload)
    elif $t[0] == "alerts" then
      ($t[2:] | map(decode) | join("/")) as $subject
      | .out = alert(.; $m.topic; $subject; $t[1]; $m.payload; $m.retain == 1)
      | .alerts[$m.topic] = $m.payload
    elif $t[0] == "sterilizer" and ($m.payload | type) == "object" then
      .out = sterilizer_event(.; $t[1]; $m.payload)
      | if $m.payload.type == "sample" then .phase[$t[1] + "/" + $m.payload.cycle] = $m.payload.phase else . end
    else .out = [] end;
  .out[]
)
