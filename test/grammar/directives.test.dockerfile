# SYNTAX TEST "source.dockerfile" "parser directives: only in the block of # key=value lines that starts the file"
# syntax=docker/dockerfile:1
# <- meta.directives.dockerfile meta.directive.dockerfile comment.line.number-sign.dockerfile punctuation.definition.comment.dockerfile
# ^^^^^^ meta.directive.dockerfile comment.line.number-sign.dockerfile keyword.other.directive.dockerfile
#       ^ meta.directive.dockerfile keyword.operator.assignment.dockerfile
#        ^^^^^^^^^^^^^^^^^^^ meta.directive.dockerfile comment.line.number-sign.dockerfile string.unquoted.directive.dockerfile
#escape=`
#^^^^^^ meta.directive.dockerfile keyword.other.directive.dockerfile
#       ^ meta.directive.dockerfile string.unquoted.directive.dockerfile
  # CHECK = skip=JSONArgsRecommended,StageNameCasing;error=true
# <-- meta.directive.dockerfile punctuation.whitespace.comment.leading.dockerfile
#   ^^^^^ meta.directive.dockerfile keyword.other.directive.dockerfile
#         ^ keyword.operator.assignment.dockerfile
#           ^^^^ meta.directive.dockerfile comment.line.number-sign.dockerfile string.unquoted.directive.dockerfile variable.parameter.check.dockerfile
#                ^^^^^^^^^^^^^^^^^^^ string.unquoted.directive.dockerfile entity.name.tag.rule.dockerfile
#                                   ^ punctuation.separator.comma.dockerfile
#                                    ^^^^^^^^^^^^^^^ entity.name.tag.rule.dockerfile
#                                                   ^ punctuation.separator.semicolon.dockerfile
#                                                    ^^^^^ variable.parameter.check.dockerfile
#                                                          ^^^^ constant.language.boolean.dockerfile
# syntax-like comment that is not a directive ends the block
# <- comment.line.number-sign.dockerfile - meta.directives.dockerfile meta.directive.dockerfile
# escape=\
# <- comment.line.number-sign.dockerfile - meta.directive.dockerfile
# ^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile
FROM alpine
# <---- keyword.other.special-method.dockerfile - meta.directives.dockerfile
# check=skip=all
# <- comment.line.number-sign.dockerfile - meta.directive.dockerfile
# ^^^^^ - keyword.other.directive.dockerfile
RUN echo ok
# <--- keyword.other.special-method.dockerfile
