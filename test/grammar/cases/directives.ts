// SYNTAX TEST "source.ts" "leaklint directive comments"

// leaklint-disable-next-line uncleared-interval -- started once at boot
// ^^^^^^^^^^^^^^^^^^^^^^^^^^ keyword.control.directive.leaklint
//                            ^^^^^^^^^^^^^^^^^^ entity.name.function.rule.leaklint
//                                               ^^ punctuation.separator.reason.leaklint
//                                                  ^^^^^^^^^^^^^^^^^^^^ comment.reason.leaklint - entity.name.function.rule.leaklint
setInterval(tick, 1000);
const a = setInterval(tick, 1000); // leaklint-disable-line uncleared-interval, listener-not-removed
//                                    ^^^^^^^^^^^^^^^^^^^^^ keyword.control.directive.leaklint
//                                                          ^^^^^^^^^^^^^^^^^^ entity.name.function.rule.leaklint
//                                                                            ^ punctuation.separator.comma.leaklint
//                                                                              ^^^^^^^^^^^^^^^^^^^^ entity.name.function.rule.leaklint
  /* leaklint-disable unbounded-collection */
//   ^^^^^^^^^^^^^^^^ comment.block.ts keyword.control.directive.leaklint
//                    ^^^^^^^^^^^^^^^^^^^^ entity.name.function.rule.leaklint
//                                         ^^ comment.block.ts - entity.name.function.rule.leaklint
  /* leaklint-enable */
//   ^^^^^^^^^^^^^^^ keyword.control.directive.leaklint
const s = "leaklint-disable-line not-a-directive";
//         ^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.ts - keyword.control.directive.leaklint
// a comment about leaklint-disabled-thing is not a directive
//                 ^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.ts - keyword.control.directive.leaklint
