# SYNTAX TEST "source.dockerfile" "LayerLens and hadolint suppression comments"
FROM debian:12
# layerlens ignore=apt-no-recommends,pin-versions
# <- meta.suppression.layerlens.dockerfile comment.line.number-sign.dockerfile punctuation.definition.comment.dockerfile
# ^^^^^^^^^ meta.suppression.layerlens.dockerfile comment.line.number-sign.dockerfile keyword.control.layerlens.dockerfile
#           ^^^^^^ meta.suppression.layerlens.dockerfile keyword.other.ignore.dockerfile
#                 ^ keyword.operator.assignment.dockerfile
#                  ^^^^^^^^^^^^^^^^^ meta.suppression.layerlens.dockerfile comment.line.number-sign.dockerfile meta.rule-list.dockerfile entity.name.tag.rule.dockerfile
#                                   ^ meta.rule-list.dockerfile punctuation.separator.comma.dockerfile
#                                    ^^^^^^^^^^^^ entity.name.tag.rule.dockerfile
RUN apt-get update && apt-get install -y curl
# <--- keyword.other.special-method.dockerfile - meta.suppression.layerlens.dockerfile
  #LayerLens  GLOBAL  ignore = latest-tag, root-user
# <-- meta.suppression.layerlens.dockerfile punctuation.whitespace.comment.leading.dockerfile
#  ^^^^^^^^^ keyword.control.layerlens.dockerfile
#             ^^^^^^ keyword.other.global.dockerfile
#                     ^^^^^^ keyword.other.ignore.dockerfile
#                            ^ keyword.operator.assignment.dockerfile
#                              ^^^^^^^^^^ entity.name.tag.rule.dockerfile
#                                        ^ punctuation.separator.comma.dockerfile
#                                          ^^^^^^^^^ entity.name.tag.rule.dockerfile
# hadolint ignore=DL3008,SC2046
# ^^^^^^^^ meta.suppression.hadolint.dockerfile comment.line.number-sign.dockerfile keyword.control.hadolint.dockerfile
#          ^^^^^^ keyword.other.ignore.dockerfile
#                 ^^^^^^ entity.name.tag.rule.dockerfile
#                       ^ punctuation.separator.comma.dockerfile
#                        ^^^^^^ entity.name.tag.rule.dockerfile
# hadolint global ignore=DL3059
# ^^^^^^^^ keyword.control.hadolint.dockerfile
#          ^^^^^^ keyword.other.global.dockerfile
#                        ^^^^^^ entity.name.tag.rule.dockerfile

# Plain comments stay plain comments.
# layerlens is great, ignore the rest
# <- comment.line.number-sign.dockerfile - meta.suppression.layerlens.dockerfile
# ^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.control.layerlens.dockerfile
# layerlens ignore=
# ^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.control.layerlens.dockerfile
# please ignore=this
# ^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.ignore.dockerfile entity.name.tag.rule.dockerfile
# syntax=docker/dockerfile:1
# ^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile
RUN echo "# layerlens ignore=in-a-string"
#          ^^^^^^^^^ string.quoted.double.dockerfile - keyword.control.layerlens.dockerfile
