#!/usr/bin/python3
"""OpenCV's MOG2 background subtraction as a motion segmenter: the peer camtrove is measured against.

    /usr/bin/python3 eval/motion/mog2.py CLIP [--event-gap 5] > events.json

Set up the way such a segmenter usually is, and like camtrove's defaults where they meet: frames
sampled at 5 fps by timestamp and shrunk to 320 px wide; MOG2 with OpenCV's default parameters
(history 500, varThreshold 16) except detectShadows=False, so shadows count as motion as they do
for camtrove; a 3 x 3 morphological open against speckle; a frame moved when one outer contour
covers at least --min-area % of the frame (0.005, camtrove's default). Events as camtrove builds
them: motion opens or extends one, more than --event-gap seconds without motion close it, fewer
than 2 frames with motion drop it, no pre- or post-capture; an event ends one frame step after its
last frame with motion. The first frame only starts the model.

Prints one JSON object, the shape `camtrove segment --json` prints: {"media": {...}, "events": [...]}.
Needs Debian's python3-opencv (apt-get install python3-opencv), so run it with /usr/bin/python3.
"""

import argparse
import json
import math
import sys

try:
    import cv2
except ImportError:
    sys.exit("mog2.py needs OpenCV: apt-get install python3-opencv, and run it with /usr/bin/python3")


def parse_args():
    parser = argparse.ArgumentParser(description="MOG2 motion events of a video, as JSON")
    parser.add_argument("clip")
    parser.add_argument("--fps", type=float, default=5.0, help="frames looked at per second")
    parser.add_argument("--width", type=int, default=320, help="width frames are analysed at")
    parser.add_argument("--min-area", type=float, default=0.005, help="smallest moving contour, %% of the frame")
    parser.add_argument("--event-gap", type=float, default=5.0, help="seconds without motion that end an event")
    parser.add_argument("--min-motion-frames", type=int, default=2, help="frames with motion an event needs")
    parser.add_argument("--kernel", type=int, default=3, help="side of the morphological open, pixels")
    parser.add_argument("--trace", action="store_true", help="print each analysed frame's time and motion %% on stderr")
    return parser.parse_args()


def sampled_frames(capture, fps):
    """Yields (seconds, frame) for the first frame at or after each 1/fps tick of the file's timestamps."""
    step = 1.0 / fps
    next_tick = 0.0
    while capture.grab():
        seconds = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if seconds + 1e-6 < next_tick:
            continue
        ok, frame = capture.retrieve()
        if not ok:
            break
        next_tick = (math.floor(seconds / step + 1e-6) + 1) * step
        yield seconds, frame


class EventBuilder:
    """camtrove's rule: motion opens or extends an event, more than `gap` seconds of calm close it."""

    def __init__(self, gap, min_frames, duration):
        self.gap = gap
        self.duration = duration
        self.min_frames = min_frames
        self.open = None
        self.events = []
        self.previous = None
        self.step = 0.0

    def push(self, seconds, motion_pct):
        if self.previous is not None and seconds > self.previous:
            interval = seconds - self.previous
            self.step = interval if self.step == 0 else min(self.step, interval)
        self.previous = seconds
        if self.open and seconds - self.open["last"] > self.gap:
            self.close()
        if motion_pct > 0:
            if self.open is None:
                self.open = {"first": seconds, "last": seconds, "frames": 0, "peak": 0.0}
            self.open["last"] = seconds
            self.open["frames"] += 1
            self.open["peak"] = max(self.open["peak"], motion_pct)

    def close(self):
        event, self.open = self.open, None
        if event and event["frames"] >= self.min_frames:
            self.events.append({
                "start": round(event["first"], 3),
                "end": round(min(self.duration, event["last"] + self.step), 3),
                "motion_frames": event["frames"],
                "peak_motion": round(event["peak"], 4),
            })


def main():
    args = parse_args()
    capture = cv2.VideoCapture(args.clip)
    if not capture.isOpened():
        sys.exit(f"cannot open {args.clip}")
    source_width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    source_height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    width = min(args.width, source_width)
    height = max(2, round(source_height * width / source_width / 2) * 2)
    min_area = args.min_area / 100 * width * height
    subtractor = cv2.createBackgroundSubtractorMOG2(detectShadows=False)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (args.kernel, args.kernel))
    source_fps = capture.get(cv2.CAP_PROP_FPS)
    frame_count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    # The last frame with motion stands until the next one, but not past the end of the media.
    duration = frame_count / source_fps if source_fps > 0 and frame_count > 0 else math.inf
    events = EventBuilder(args.event_gap, args.min_motion_frames, duration)
    frames = 0
    last_seconds = 0.0
    for seconds, frame in sampled_frames(capture, args.fps):
        small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        mask = subtractor.apply(small)
        frames += 1
        last_seconds = seconds
        if frames == 1:
            continue
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        moving = [c for c in contours if cv2.contourArea(c) >= min_area]
        motion_pct = 100.0 * sum(cv2.contourArea(c) for c in moving) / (width * height) if moving else 0.0
        events.push(seconds, motion_pct)
        if args.trace:
            print(f"{seconds:8.3f} {motion_pct:8.4f} {len(moving)}", file=sys.stderr)
    events.close()
    media = {
        "duration": round(duration if math.isfinite(duration) else last_seconds, 3),
        "width": source_width,
        "height": source_height,
        "analysed": {"fps": args.fps, "frames": frames, "width": width, "height": height},
    }
    detector = {"name": "opencv-mog2", "opencv": cv2.__version__, "detect_shadows": False, "open_kernel": args.kernel, "min_area_pct": args.min_area}
    json.dump({"media": media, "events": events.events, "detector": detector}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
